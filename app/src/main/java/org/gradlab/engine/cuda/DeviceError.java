package org.gradlab.engine.cuda;

/** A device operation failed; the message is the driver's error name (CUDA_ERROR_…) or the emulator's reason. */
public final class DeviceError extends RuntimeException {
    public DeviceError(String message, Throwable cause) {
        super(message, cause);
    }
}
