"""Translation jobs: the queue and its outbox, claims on jobs, the machine-translation run,
worker capabilities and the figures operators scrape."""
