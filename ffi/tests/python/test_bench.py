"""Cost of the boundary, measured from Python: one dispatchJson call, and one foreign-service
callback made by a guest. Prints the medians and writes them to $MINIAPP_BENCH_OUT."""

import asyncio
import json
import os
import statistics
import time

import miniapp
from conftest import HOST_VERSION, arun, fixture_bytes
from services import Clipboard, Consent, Payments, script

PROBE = "com.acme.probe"
CALLS = 100
ROUNDS = 15


def test_boundary_costs(home, root_pem, capsys):
    payments = Payments()
    py_host = miniapp.Host.open(home, HOST_VERSION, root_pem, miniapp.HostServices(
        consent=Consent(), payment=payments, clipboard=Clipboard("x")), None)
    rust_host = miniapp.Host.open(home + "-rust", HOST_VERSION, root_pem, miniapp.HostServices(
        consent=Consent()), None)
    for h in (py_host, rust_host):
        h.install(fixture_bytes("probe.zip"))
        h.install(fixture_bytes("shop.zip"))

    async def bench():
        request = json.dumps({"id": 1, "method": "storage.get", "params": {"key": "cart"}})
        for _ in range(50):  # warm up
            await py_host.dispatch_json("com.acme.shop", request)
        dispatch = []
        for _ in range(1000):
            t = time.perf_counter_ns()
            await py_host.dispatch_json("com.acme.shop", request)
            dispatch.append(time.perf_counter_ns() - t)

        async def run_ns(host, calls):
            t = time.perf_counter_ns()
            await host.run(PROBE, calls)
            return time.perf_counter_ns() - t

        empty = script()
        clip = script(*[("clipboard.readText", {})] * CALLS)
        order = iter(range(1_000_000))

        def pays():
            return script(*[("payment.pay", {"orderId": f"o-{next(order)}", "amountMinor": 1,
                                             "currency": "EUR", "description": ""})
                            for _ in range(CALLS)])

        for h in (py_host, rust_host):  # warm up: compile, consent, caches
            await run_ns(h, clip)
        sync_py, sync_rust, async_py = [], [], []
        for _ in range(ROUNDS):
            base = await run_ns(py_host, empty)
            sync_py.append((await run_ns(py_host, clip) - base) / CALLS)
            async_py.append((await run_ns(py_host, pays()) - base) / CALLS)
            base = await run_ns(rust_host, empty)
            sync_rust.append((await run_ns(rust_host, clip) - base) / CALLS)
        return dispatch, sync_py, sync_rust, async_py

    dispatch, sync_py, sync_rust, async_py = arun(bench())
    us = lambda xs: statistics.median(xs) / 1000  # noqa: E731
    figures = {
        "dispatch_json_median_us": round(us(dispatch), 1),
        "guest_call_python_sync_service_median_us": round(us(sync_py), 1),
        "guest_call_rust_service_median_us": round(us(sync_rust), 1),
        "sync_callback_overhead_median_us": round(us(sync_py) - us(sync_rust), 1),
        "guest_call_python_async_service_median_us": round(us(async_py), 1),
        "calls_per_round": CALLS,
        "rounds": ROUNDS,
    }
    assert len(payments.orders) == CALLS * (ROUNDS + 0), "every async callback reached Python"
    with capsys.disabled():
        print("\nboundary costs (median):", json.dumps(figures, indent=2))
    out = os.environ.get("MINIAPP_BENCH_OUT")
    if out:
        with open(out, "w") as f:
            json.dump(figures, f, indent=2)
    # Sanity, not targets: each figure was measured and is far below a frame (16 ms).
    for key in ("dispatch_json_median_us", "guest_call_python_sync_service_median_us",
                "guest_call_python_async_service_median_us"):
        assert 0 < figures[key] < 16_000, figures
