"""miniapp.lifecycle against the contract (web/bridge/protocol.js is generated from it) and its
parse rules: standard events typed, other names passed through, bad standard payloads refused."""

import json

import pytest

from miniapp import lifecycle

from test_contract import js_list


def test_event_names_and_levels_are_the_contracts():
    assert list(lifecycle.EVENTS) == js_list("LIFECYCLE_EVENTS")
    assert list(lifecycle.MEMORY_LEVELS) == js_list("MEMORY_LEVELS")


@pytest.mark.parametrize(
    "event",
    [
        lifecycle.Event("show"),
        lifecycle.Event("hide"),
        lifecycle.Event("suspend"),
        lifecycle.Event("resume"),
        lifecycle.Event("memoryWarning", level="moderate"),
        lifecycle.Event("memoryWarning", level="critical"),
        lifecycle.Event("updateReady", version="1.3.0"),
    ],
)
def test_every_event_round_trips(event):
    assert lifecycle.parse(event.name, json.dumps(event.payload())) == event


def test_payloads_as_the_host_sends_them():
    assert lifecycle.parse("show", "") == lifecycle.Event("show")
    assert lifecycle.parse("show", "{}").payload() == {}
    assert lifecycle.parse("memoryWarning", '{"level":"critical","freeMb":3}') == lifecycle.Event(
        "memoryWarning", level="critical"
    )


def test_other_names_pass_through():
    assert lifecycle.parse("back", '{"from": "/cart"}') is None
    assert lifecycle.parse("pause", "not json") is None
    assert lifecycle.parse("Show", "{}") is None


@pytest.mark.parametrize(
    "name,payload",
    [
        ("show", "[]"),
        ("hide", "{"),
        ("memoryWarning", "{}"),
        ("memoryWarning", '{"level": "severe"}'),
        ("updateReady", '{"version": 3}'),
    ],
)
def test_bad_standard_payloads_are_refused(name, payload):
    with pytest.raises(lifecycle.InvalidEventPayload) as e:
        lifecycle.parse(name, payload)
    assert e.value.name == name
    assert isinstance(e.value, ValueError)
