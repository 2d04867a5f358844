"""Pure business rules of iProDash: money, finance, job statuses, phones,
search keys, SMS keywords and field validation.

Nothing here touches the database, the network or the UI, so every rule can
be unit-tested on its own and reused by services, reports and the API.
"""
