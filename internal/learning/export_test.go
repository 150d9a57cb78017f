package learning

// CompleteTx exposes completeTx: the completion step of a passing
// submission, with its re-check of the locked assignment.
var CompleteTx = (*Service).completeTx
