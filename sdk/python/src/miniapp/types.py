"""The records bridge calls return (field names in Python style; JSON names in ``from_json``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List


@dataclass(frozen=True)
class StorageUsage:
    used_bytes: int
    quota_bytes: int

    @classmethod
    def from_json(cls, v: dict) -> "StorageUsage":
        return cls(v["usedBytes"], v["quotaBytes"])


@dataclass(frozen=True)
class Token:
    """A JWT for the mini-program's own backend; send ``value`` as a bearer token."""

    value: str
    expires_at: int
    scopes: List[str]

    @classmethod
    def from_json(cls, v: dict) -> "Token":
        return cls(v["value"], v["expiresAt"], list(v["scopes"]))


@dataclass(frozen=True)
class Receipt:
    order_id: str
    transaction_id: str
    amount_minor: int
    currency: str
    paid_at: int

    @classmethod
    def from_json(cls, v: dict) -> "Receipt":
        return cls(v["orderId"], v["transactionId"], v["amountMinor"], v["currency"], v["paidAt"])


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float
    accuracy_m: float

    @classmethod
    def from_json(cls, v: dict) -> "Position":
        return cls(v["latitude"], v["longitude"], v["accuracyM"])


@dataclass(frozen=True)
class Screen:
    width: int
    height: int
    scale: float


@dataclass(frozen=True)
class DeviceInfo:
    platform: str
    host_version: str
    locale: str
    screen: Screen

    @classmethod
    def from_json(cls, v: dict) -> "DeviceInfo":
        s = v["screen"]
        return cls(
            v["platform"], v["hostVersion"], v["locale"], Screen(s["width"], s["height"], s["scale"])
        )
