"""What every surface shares, so that no surface imports another.

- ``text``: ``tr`` (a catalog text in the device's language), ``describe_error``,
  ``job_outcome_text``, ``signin_outcome_text``, ``trainer_hints_on``
- ``widgets``: ``TickBox``
- ``host``: ``PanelHost``, the app as screens see it (``host(node)``), without importing the app;
  ``follow_app(node, device=..., language=..., link=...)``: device events, language switches and
  cloud link changes, undone by ``unfollow_app(node)`` on unmount
- ``workers``: ``call_in_ui`` (a thread worker hands a result to the UI), ``@reported`` (an
  unexpected failure is said by the app)
- ``web_page.tcss``: the look of the web pages (Web Config and the Cloud surface)
"""
