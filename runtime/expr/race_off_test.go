//go:build !race

package expr

// raceSlowdown widens the hostile suite's time slack under the race
// detector; without it the slack is as documented.
const raceSlowdown = 1
