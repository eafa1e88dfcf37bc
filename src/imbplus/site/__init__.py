"""The public web site: pages, cookie consent, policy versions, privacy contact, feedback."""
