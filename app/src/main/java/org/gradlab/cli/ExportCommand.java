package org.gradlab.cli;

import org.gradlab.record.tb.TbExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

/** {@code gradlab export RUN --tensorboard DIR}: a GradLab run as a TensorBoard event file. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Write a recorded run as TensorBoard event files.")
public final class ExportCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "RUN", description = "a run directory")
    Path run;
    @Option(names = "--tensorboard", required = true, paramLabel = "DIR", description = "the log directory to write into")
    Path dir;

    @Override
    public void run() {
        try {
            System.out.println("wrote " + TbExport.export(run, dir));
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }
}
