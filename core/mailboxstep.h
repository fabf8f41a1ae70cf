/*
 * mailboxstep.h - the mailbox step: the user's Exchange attributes against
 * the Exchange configuration (a half-moved mailbox), whether the mover could
 * have done the move (Exchange admin groups; Full Control on the
 * organization and the administrative groups, read with the SD_FLAGS control
 * and evaluated for the mover's SIDs; write access to the attributes a move
 * changes), protected accounts, and the connection map Outlook's connection
 * status window shows. Checks MBX-ATTRS, MBX-CONSISTENT, MBX-MOVER,
 * MBX-PROTECTED.
 */
#ifndef EW_MAILBOXSTEP_H
#define EW_MAILBOXSTEP_H

struct ew_run;
struct ew_step_result;

int ew_mailbox_step(struct ew_run *run, struct ew_step_result *res);

#endif
