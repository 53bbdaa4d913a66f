package estimate

import "time"

// mins is m minutes as a time.Duration, for windows and setups in tests.
func mins(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }
