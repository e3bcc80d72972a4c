"""`make run`: the whole pipeline driven in-process through the real sensors, jobs and checks
(driver.py), with its progress display, sensor ticks outside the daemon and the summary."""
