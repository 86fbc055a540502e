"""Helpers the tests share: servers on 127.0.0.1, headless Chromium, answers compared across stores, SHACL cases."""
