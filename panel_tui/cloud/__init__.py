"""The Cloud surface: the simulated tenant's sign-in pages and its admin centre.

For users over SSH, who cannot open the verification URL in a browser on the printer's
network: the same Microsoft pages, walked over HTTP with ``cloud_sim.signin.SignInClient``.
"""
