"""The community's side of the sync with the street office (protocol v2, docs/SYNC.md).

- ``client``: one round (``SyncClient.sync_once``): the push, then the pull, then the bookkeeping.
- ``push`` and ``pull``: the two halves of a round; ``transport``: the HTTP requests, the round's
  report and its failures in plain words.
- ``pending``: the outbox rows still to send, read and marked; ``settings``: the server, the key
  and the status line the desk shows.
- ``records``: records as they travel, serialised for the push and read from the pull.
- ``life_types`` and ``life_content``: the records of community life that travel up only, one
  registry of their types, fields and builders, and the reading of them for the push.
- ``apply``: server copies taken at the desk (pulled, or in a stale answer), waiting changes
  rebased onto them, events held until their case arrives.

The outbox itself is written by the models (app.models.outbox).

May import: app.services.common, admin, population, grids, cases, certificates and the models.
"""
