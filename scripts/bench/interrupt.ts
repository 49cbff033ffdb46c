/** Set on Ctrl-C: every wait and send loop of the bench ends at its next step. */
export const interruption = { requested: false };
