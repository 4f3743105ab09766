"""E-mail in the timeline: messages read from Maildir folders, mbox files, a mail client's pipe or IMAP
(`read`, `mailboxes`, `imap`), matched to contacts by address and logged as `email` interactions (`logbook`).

A message is logged once per database (`mail_message.message_key`: its Message-ID, or a hash of its headers),
whatever folder or run it comes from; replies share their thread's key.
"""
