"""networker-sim: agent-based simulation of network marketing."""
