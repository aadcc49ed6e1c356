// Ink draws only a final frame when it thinks it runs under CI; the installer always drives a real terminal.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
