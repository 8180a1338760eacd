"""A map bounded by count and by an estimate of the bytes it holds: the oldest entry goes first.
The mock's stores (grants, connected accounts, the token verifier's caches) are all this."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """Insertion-ordered; ``put`` of a key moves it to the newest end. Over ``max_items`` entries
    or ``max_bytes`` of ``cost``, the oldest are forgotten (never the newest one). Not locked: its
    owner holds the lock."""

    __slots__ = ("_cost", "_costs", "_items", "bytes", "max_bytes", "max_items")

    def __init__(self, max_items: int, max_bytes: int, cost: Callable[[K, V], int]):
        self._items: OrderedDict[K, V] = OrderedDict()
        self._costs: dict[K, int] = {}
        self._cost = cost
        self.max_items = max_items
        self.max_bytes = max_bytes
        #: The estimated bytes held (the sum of ``cost`` over the entries).
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def values(self) -> Iterator[V]:
        """Oldest first."""
        return iter(self._items.values())

    def put(self, key: K, value: V) -> None:
        self.pop(key)
        cost = self._cost(key, value)
        self._items[key] = value
        self._costs[key] = cost
        self.bytes += cost
        while len(self._items) > self.max_items or (self.bytes > self.max_bytes and len(self._items) > 1):
            old, _ = self._items.popitem(last=False)
            self.bytes -= self._costs.pop(old)

    def pop(self, key: K) -> V | None:
        value = self._items.pop(key, None)
        if value is not None:
            self.bytes -= self._costs.pop(key)
        return value

    def clear(self) -> None:
        self._items.clear()
        self._costs.clear()
        self.bytes = 0
