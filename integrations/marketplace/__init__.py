"""Marketplace apps, OAuth installs and webhooks (issue: marketplace)."""
