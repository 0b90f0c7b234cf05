"""Benchmark harness comparing Responder with Falcon, Starlette and FastAPI."""
