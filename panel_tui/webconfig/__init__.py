"""Web Config: the printer's admin web pages, rendered in the terminal.

It opens on Status > Product Status, as a printer's Web Config does, so the guide's step 3
(Network tab > Email Server > Basic) is a step a person takes. Only Network > Email Server
(Basic, Connection Test), Device Management > Email Notification and the emulator's own Trainer
Hints are emulated; the other pages say so. The screen is the Web Config *session*: a finished
sign-in stays pending here until OK sends it to the printer (guide step 12), as on the real page.

Languages: in Latvian, Web Config keeps in English exactly the labels the Latvian guide quotes in
English (Log in, OK, Network, Email Server, Basic, Authentication Method, OAuth2, Email service,
Microsoft Exchange Online, Outlook.com, Sign In, Sign in with Microsoft, Current Status, Signed
in), so a trainee finds on screen the words the guide tells them to click. Everything else
(other tabs and fields, buttons such as Cancel and Close, status words, messages) is Latvian, so
no line mixes the two languages beyond those quoted labels.
"""
