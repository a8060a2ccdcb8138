package org.gradlab.record;

/** Names and limits of the run directory format. */
public final class RunFiles {
    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST = "run.json", EVENTS = "events.jsonl", STEPS = "steps.bin", INDEX = "index.bin",
            CHECKPOINTS = "checkpoints";
    /** steps.bin frame: u32 payload length, u32 CRC32C of the payload, payload. */
    public static final int FRAME_HEADER = 8;
    /** No step record is near this; anything larger is corruption, never an allocation. */
    public static final int MAX_RECORD = 4 << 20;
    public static final long MAX_MANIFEST = 16 << 20, MAX_EVENT_LINE = 64 << 10;

    private RunFiles() {}
}
