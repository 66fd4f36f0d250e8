"""The letter timeline: dated events, proposals staff accept, response due dates, the public feed."""
