"""What a buyer organisation publishes: frozen snapshots of chosen indicators of a period, read by
anyone without logging in (/publication), as a page, JSON, CSV and the annual report PDF."""
