"""Fan-out: publish on a channel, every subscriber hears it; slow subscribers are bounded."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import uuid

import pytest

import responder
from responder.broadcast import BroadcastError, Event, SubscriberTooSlow


def run(coro):
    """Run one conversation with a deadline, so a hang fails instead of stalling."""
    return asyncio.run(asyncio.wait_for(coro, 10))


@pytest.fixture(params=["memory", "redis"])
def broadcast(request: pytest.FixtureRequest) -> responder.Broadcast:
    if request.param == "memory":
        return responder.Broadcast()
    url = request.getfixturevalue("redis_url")
    return responder.Broadcast(url, prefix=f"test:{uuid.uuid4().hex}:")


async def take(events, count: int) -> list:
    return [await events.__anext__() for _ in range(count)]


def test_every_subscriber_of_a_channel_hears_each_message_once(broadcast):
    async def talk():
        async with (
            broadcast.subscribe("room") as ann,
            broadcast.subscribe("room") as bob,
            broadcast.subscribe("other") as cat,
        ):
            await broadcast.publish("room", "hello")
            await broadcast.publish("other", "elsewhere")
            await broadcast.publish("room", {"from": "bob", "text": "hi"})
            got = await take(ann, 2), await take(bob, 2), await take(cat, 1)
        await broadcast.aclose()
        return got

    ann, bob, cat = run(talk())
    expected = [Event("room", "hello"), Event("room", {"from": "bob", "text": "hi"})]
    assert ann == expected
    assert bob == expected
    assert cat == [Event("other", "elsewhere")]


def test_each_subscriber_gets_its_own_copy_of_a_message(broadcast):
    async def talk():
        async with broadcast.subscribe("room") as ann, broadcast.subscribe("room") as bob:
            message = {"items": [1]}
            await broadcast.publish("room", message)
            message["items"].append(2)  # the publisher's object is not what was sent
            first = (await ann.__anext__()).message
            first["items"].append(3)  # nor is one subscriber's copy the other's
            second = (await bob.__anext__()).message
        await broadcast.aclose()
        return first, second

    assert run(talk()) == ({"items": [1, 3]}, {"items": [1]})


def test_two_tasks_reading_one_subscription_share_its_messages(broadcast):
    async def talk():
        async with broadcast.subscribe("room") as events:
            first = asyncio.ensure_future(events.__anext__())
            second = asyncio.ensure_future(events.__anext__())
            quitter = asyncio.ensure_future(events.__anext__())
            await asyncio.sleep(0)  # all three wait now
            quitter.cancel()  # one reader leaves: the others still hear
            await broadcast.publish("room", "one")
            await broadcast.publish("room", "two")
            got = sorted([(await first).message, (await second).message])
        await broadcast.aclose()
        return got, quitter.cancelled()

    assert run(talk()) == (["one", "two"], True)


def test_a_message_that_is_not_json_is_refused_at_publish(broadcast):
    with pytest.raises(TypeError):
        run(broadcast.publish("room", object()))


@pytest.mark.parametrize("channel", ["", None, 7])
def test_a_channel_is_a_non_empty_string(channel):
    with pytest.raises(ValueError, match="channel"):
        run(responder.Broadcast().publish(channel, "x"))


def test_leaving_the_block_unsubscribes(broadcast):
    async def talk():
        async with broadcast.subscribe("room"):
            during = broadcast.subscribers("room")
        after = broadcast.subscribers("room")
        await broadcast.publish("room", "nobody hears this")  # and nothing breaks
        await broadcast.aclose()
        return during, after

    assert run(talk()) == (1, 0)


def test_a_slow_subscriber_loses_its_oldest_messages_and_counts_them(broadcast):
    async def talk():
        async with (
            broadcast.subscribe("room", max_queue=2) as slow,
            broadcast.subscribe("room") as fast,
        ):
            for number in range(5):
                await broadcast.publish("room", number)
            await take(fast, 5)  # every message was handed out by now (same dispatch)
            heard = [event.message for event in await take(slow, 2)]
            await broadcast.publish("room", "later")
            heard.append((await slow.__anext__()).message)
            dropped = slow.dropped
        await broadcast.aclose()
        return heard, dropped

    assert run(talk()) == ([3, 4, "later"], 3)


def test_a_slow_subscriber_is_cut_off_with_the_disconnect_policy(broadcast):
    async def talk():
        async with (
            broadcast.subscribe("room", max_queue=2, on_overflow="disconnect") as slow,
            broadcast.subscribe("room") as fast,
        ):
            for number in range(3):
                await broadcast.publish("room", number)
            await take(fast, 3)
            with pytest.raises(SubscriberTooSlow):
                await slow.__anext__()
            await broadcast.publish("room", "after")  # the others go on
            assert (await fast.__anext__()).message == "after"
        await broadcast.aclose()

    run(talk())


@pytest.mark.parametrize(
    "options", [{"max_queue": 0}, {"max_queue": True}, {"on_overflow": "block"}]
)
def test_queue_settings_are_checked(options):
    with pytest.raises(ValueError):
        responder.Broadcast(**options)
    with pytest.raises(ValueError):
        run(responder.Broadcast().subscribe("room", **options).__aenter__())


def test_broadcast_takes_a_broadcast_only():
    with pytest.raises(TypeError, match="Broadcast"):
        responder.API(broadcast="redis://127.0.0.1:6379")


def test_the_api_has_an_in_memory_broadcast_by_default():
    api = responder.API()
    assert isinstance(api.broadcast, responder.Broadcast)
    assert api.broadcast.url is None


# -- Redis ---------------------------------------------------------------------------


def test_a_message_published_by_another_process_reaches_the_subscriber(redis_url):
    """Another client (standing for another worker) publishes straight into Redis."""
    import redis

    prefix = f"test:{uuid.uuid4().hex}:"
    broadcast = responder.Broadcast(redis_url, prefix=prefix)

    async def talk():
        async with broadcast.subscribe("room") as events:
            # Subscribed once the block starts: nothing published from now on is missed.
            other = redis.Redis.from_url(redis_url)
            try:
                other.publish(prefix + "room", '{"text":"from afar"}')
            finally:
                other.close()
            event = await events.__anext__()
        await broadcast.aclose()
        return event

    assert run(talk()) == Event("room", {"text": "from afar"})


def test_one_listening_connection_per_process_and_none_when_idle(redis_url):
    import redis

    prefix = f"test:{uuid.uuid4().hex}:"
    broadcast = responder.Broadcast(redis_url, prefix=prefix)
    inspect = redis.Redis.from_url(redis_url)

    def listeners(channel: str) -> int:
        return dict(inspect.pubsub_numsub(prefix + channel))[(prefix + channel).encode()]

    async def talk():
        async with broadcast.subscribe("a"), broadcast.subscribe("a"), broadcast.subscribe("b"):
            during = listeners("a"), listeners("b")
        await broadcast.aclose()
        return during, (listeners("a"), listeners("b"))

    try:
        assert run(talk()) == ((1, 1), (0, 0))
    finally:
        inspect.close()


@pytest.mark.redis
def test_subscribers_end_with_an_error_when_redis_goes_away(tmp_path):
    from ..ext.redis_server import redis_server

    with redis_server(tmp_path) as server:
        broadcast = responder.Broadcast(server.url)

        async def talk():
            async with broadcast.subscribe("room") as events:
                server.stop()
                with pytest.raises(BroadcastError):
                    await events.__anext__()
            with pytest.raises(BroadcastError):
                await broadcast.publish("room", "nobody")
            await broadcast.aclose()

        run(talk())


def test_in_memory_a_subscriber_on_another_event_loop_hears_the_message():
    """Two test clients run on two loops in two threads; a room in memory spans both."""
    api = responder.API()

    @api.route("/room", websocket=True)
    async def room(ws):
        await ws.accept()
        async with api.broadcast.subscribe("room") as events:
            await ws.send_text("in")
            await ws.send_json((await events.__anext__()).message)

    @api.route("/say/{text}")
    async def say(req, resp, *, text):
        await api.broadcast.publish("room", text)

    with api.requests.websocket_connect("/room") as ws:  # a loop of its own
        assert ws.receive_text() == "in"
        api.requests.get("/say/hello")  # another loop
        assert ws.receive_json() == "hello"


def test_importing_responder_does_not_import_redis():
    """The redis extra is optional: only a Broadcast or store given a URL loads it."""
    code = "import sys, responder; assert not any(m.startswith('redis') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_one_broadcast_serves_loop_after_loop_and_forgets_the_ended_ones(redis_url):
    """A test client starts a loop per request when its lifespan is not entered."""
    broadcast = responder.Broadcast(redis_url, prefix=f"test:{uuid.uuid4().hex}:")

    async def talk(text: str):
        async with broadcast.subscribe("room") as events:
            await broadcast.publish("room", text)
            return (await events.__anext__()).message

    assert [run(talk(text)) for text in ("one", "two", "three")] == ["one", "two", "three"]
    assert len(broadcast._hubs) == 1  # only the last loop's; the ended ones were dropped
    run(broadcast.aclose())


def test_in_memory_a_publish_from_another_thread_wakes_an_idle_subscriber():
    """The subscriber's loop has nothing else to do: only a thread-safe hand-over wakes it."""
    broadcast = responder.Broadcast()
    subscribed, heard = threading.Event(), []

    async def listen():
        async with broadcast.subscribe("room") as events:
            subscribed.set()
            heard.append(await events.__anext__())

    listener = threading.Thread(target=asyncio.run, args=(listen(),), daemon=True)
    listener.start()
    assert subscribed.wait(10)
    asyncio.run(broadcast.publish("room", "wake up"))
    listener.join(10)  # a deadline: without the hand-over the listener would sleep forever
    assert heard == [Event("room", "wake up")]
