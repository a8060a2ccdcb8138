package org.gradlab.run;

/** Where a training session stands. The last three are final: the session's thread has ended. */
public enum SessionState {
    NEW, RUNNING, PAUSED, FINISHED, STOPPED, FAILED;

    public boolean ended() {
        return this == FINISHED || this == STOPPED || this == FAILED;
    }
}
