"""Web Config: the printer's admin web pages, rendered in the terminal (issue 4).

Only Network > Email Server (Basic, Connection Test) is emulated; the other tabs say so.
The screen is the Web Config *session*: a finished sign-in stays pending here until OK sends
it to the printer (guide step 12), exactly like the real page.
"""
