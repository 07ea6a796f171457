"""The randomized sync fault test's parts: a loopback proxy that cuts and stalls connections, the
world of desks and a street server it runs against, and the end-state comparison (docs/SYNC.md,
"Fault test")."""
