"""The LAN export server: a small HTTP server the kiosk starts while an export is shown."""
