// Package domain holds ralo's governance rules as pure functions: conflicts
// of interest, eligibility, rotation, weights, tallies, quorums and
// deadlines.
//
// It does no I/O and imports nothing of the project, so the rules LACRALO
// agreed on can be read in one place and tested exhaustively, table-driven,
// and so that the API, the activities and the workflows (which must stay
// deterministic) all apply the same rule the same way.
package domain
