"""``sim report``: metrics of a dataset against its scenario's targets, as tables and charts.

``accumulator`` (the one streaming implementation of every metric's inputs), ``registry`` (the
named metrics, their units and definitions), ``reader`` (dataset files -> accumulator), ``plots``
(matplotlib, Agg), ``targets`` (a scenario's expected values, judged against the registry's
metrics), ``page`` (the self-contained HTML) and ``build`` (all of it for one folder).
Importing this package loads no plotting library; only ``plots`` does.
"""
