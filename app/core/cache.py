"""A small shared cache with expiry: in memory on the embedded default, Redis in production."""

import json
import threading
import time

from flask import current_app


class MemoryCache:
    def __init__(self):
        self._data = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry[0] < time.monotonic():
                self._data.pop(key, None)
                return None
            return entry[1]

    def set(self, key, value, ttl):
        with self._lock:
            if len(self._data) > 10_000:  # bounded: drop everything rather than grow without end
                self._data.clear()
            self._data[key] = (time.monotonic() + ttl, json.loads(json.dumps(value)))

    def delete(self, *keys):
        with self._lock:
            for key in keys:
                self._data.pop(key, None)


class RedisCache:
    def __init__(self, url):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2)

    def get(self, key):
        raw = self._redis.get(key)
        return None if raw is None else json.loads(raw)

    def set(self, key, value, ttl):
        self._redis.set(key, json.dumps(value), ex=max(1, int(ttl)))

    def delete(self, *keys):
        if keys:
            self._redis.delete(*keys)


def get_cache():
    """The app's cache, made on first use from CACHE_URL."""
    return cache_for(current_app)


def cache_for(app):
    cache = app.extensions.get("undersigned_cache")
    if cache is None:
        url = app.config["CACHE_URL"]
        cache = RedisCache(url) if url.startswith(("redis://", "rediss://")) else MemoryCache()
        app.extensions["undersigned_cache"] = cache
    return cache
