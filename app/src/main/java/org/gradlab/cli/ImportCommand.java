package org.gradlab.cli;

import org.gradlab.record.tb.TbImport;
import org.gradlab.record.tb.TbLogDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

/** {@code gradlab import LOGDIR --out RUN}: a TensorBoard log directory as GradLab run(s). */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Convert a TensorBoard log directory (PyTorch, TensorFlow, tensorboardX) into GradLab runs.")
public final class ImportCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "LOGDIR", description = "a TensorBoard log directory")
    Path logdir;
    @Option(names = "--out", required = true, description = "the new run directory (with several runs: one sub-directory each)")
    Path out;

    @Override
    public void run() {
        try {
            TbLogDir d = TbLogDir.open(logdir);
            boolean single = d.runs().size() == 1;
            for (TbLogDir.Run r : d.runs().values()) {
                Path target = single ? out : out.resolve(r.name.replace('/', '_'));
                TbImport.importRun(r, logdir, target);
                System.out.printf("imported run '%s' → %s: %d scalar tags, %d histogram tags%n", r.name, target, r.scalars.size(),
                        r.histograms.size());
                for (String w : r.warnings) System.out.println("  warning: " + w);
            }
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }
}
