"""``TurnBatch``: items gathered in one turn of the event loop, handed on together at its end."""

from __future__ import annotations

import asyncio
import logging

from responder._turn_batch import TurnBatch


def test_items_are_handed_on_in_order_once_the_turn_ends():
    handed: list[list[int]] = []
    batch: TurnBatch[int] = TurnBatch(handed.append)

    async def turn() -> list[list[int]]:
        for n in range(3):
            batch.add(n)
        before = list(handed)
        await asyncio.sleep(0)
        batch.add(3)
        await asyncio.sleep(0)
        return before

    assert asyncio.run(turn()) == []
    assert handed == [[0, 1, 2], [3]]


def test_a_full_batch_is_handed_on_at_once():
    handed: list[list[int]] = []
    batch: TurnBatch[int] = TurnBatch(handed.append, limit=2)

    async def turn() -> list[list[int]]:
        for n in range(5):
            batch.add(n)
        return list(handed)

    assert asyncio.run(turn()) == [[0, 1], [2, 3]]
    assert handed == [[0, 1], [2, 3], [4]]


def test_without_a_running_loop_an_item_is_handed_on_at_once():
    handed: list[list[str]] = []
    TurnBatch(handed.append).add("now")
    assert handed == [["now"]]


def test_a_sink_that_raises_is_logged_and_the_batch_goes_on(caplog):
    handed: list[list[int]] = []

    def sink(items: list[int]) -> None:
        if 0 in items:
            raise ValueError("broken")
        handed.append(items)

    batch: TurnBatch[int] = TurnBatch(sink, limit=2)

    async def turn() -> None:
        for n in range(4):
            batch.add(n)  # the first full batch raises in here: not into the caller

    with caplog.at_level(logging.ERROR, logger="responder"):
        asyncio.run(turn())
    assert handed == [[2, 3]]
    assert "Handing on 2 items gathered in a loop turn failed" in caplog.text
    assert "ValueError: broken" in caplog.text


def test_a_flush_scheduled_on_a_loop_that_stopped_does_not_hold_the_next_items():
    handed: list[list[str]] = []
    batch: TurnBatch[str] = TurnBatch(handed.append)
    first = asyncio.new_event_loop()

    def last_turn() -> None:
        batch.add("from a loop that stops")
        first.stop()  # this turn is its last: the flush it scheduled never runs

    first.call_soon(last_turn)
    first.run_forever()
    first.close()

    async def next_turn() -> None:
        batch.add("from the next loop")
        await asyncio.sleep(0)

    asyncio.run(next_turn())
    assert handed == [["from a loop that stops", "from the next loop"]]
