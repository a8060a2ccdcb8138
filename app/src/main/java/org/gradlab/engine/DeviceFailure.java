package org.gradlab.engine;

/**
 * A backend's device failed (out of memory, a kernel fault, a lost device): the message is meant for the
 * user as is. The run that hits it ends; what was recorded up to the last completed step stays.
 */
public final class DeviceFailure extends RuntimeException {
    public DeviceFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
