"""Plans, Stripe subscriptions and webhooks (issue: subscription billing)."""
