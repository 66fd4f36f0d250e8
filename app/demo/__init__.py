"""The demo campaign: the joint letter of March 11, 2025 on North Korean prisoners of war."""
