//go:build race

package expr

// raceSlowdown widens the hostile suite's time slack: the race detector
// makes native work such as collecting a million regular-expression
// matches five to ten times slower, which says nothing of the limits.
const raceSlowdown = 4
