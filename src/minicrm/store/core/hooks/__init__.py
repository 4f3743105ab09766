"""Hooks and webhooks (#22): the executables run on an event (`local`), the webhooks and their outbox
(`webhooks`), and the delivery of the outbox over HTTP with retries and back-off (`delivery`).

`store.core.events` is the entry point the services call; nothing here imports it.
"""
