package org.gradlab.run;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.gradlab.ui.fixture.ReachesIntoTheTrainer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md's layering, checked on the compiled classes (ArchUnit): each package depends only on the GradLab
 * packages below it; no engine-side package touches JavaFX; JCuda only inside engine.cuda; and nothing outside
 * `run` reaches a session's trainer, model, optimizer or clip strategy — the UI knows a session only through
 * its stream and commands. Bytecode sees every reach: an import, a fully qualified name or a method chain.
 */
class LayeringTest {
    private static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        // kernels is the module that packages the PTX (kernels/), not a package of this one
        ALLOWED.put("engine", Set.of("kernels"));
        ALLOWED.put("model", Set.of("engine"));
        ALLOWED.put("optim", Set.of("engine"));
        ALLOWED.put("clip", Set.of("engine"));
        ALLOWED.put("telemetry", Set.of("engine", "clip"));
        // overview: the min/max pyramids a run is drawn from, kept by the recorder, the live view and the replay alike
        ALLOWED.put("overview", Set.of("engine", "clip", "telemetry"));
        ALLOWED.put("task", Set.of());
        ALLOWED.put("run", Set.of("engine", "model", "optim", "clip", "telemetry", "task"));
        // record serialises the run config, which holds the optimizer config (optim) — types only, no math
        ALLOWED.put("record", Set.of("engine", "clip", "telemetry", "overview", "run", "optim"));
        // diagnose reads runs (record), probes them (run) and reads clip reports, steps and the optimizer's
        // settings (clip, telemetry, optim: value types only)
        ALLOWED.put("diagnose", Set.of("run", "record", "telemetry", "clip", "optim"));
        ALLOWED.put("cli", Set.of("engine", "model", "optim", "clip", "telemetry", "task", "run", "record", "diagnose"));
        ALLOWED.put("ui", Set.of("clip", "telemetry", "overview", "run", "record", "optim", "diagnose"));
    }

    private static final Set<String> NO_UI = Set.of("engine", "model", "optim", "clip", "telemetry", "overview", "task", "record", "run", "diagnose");

    static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.gradlab");

    /** Every package's allowed dependencies as one rule each. */
    static List<ArchRule> layerRules() {
        List<ArchRule> rules = new ArrayList<>();
        Set<String> all = new java.util.HashSet<>(ALLOWED.keySet());
        all.add("kernels");
        for (var e : ALLOWED.entrySet()) {
            List<String> forbidden = new ArrayList<>();
            for (String p : all) if (!p.equals(e.getKey()) && !e.getValue().contains(p)) forbidden.add("org.gradlab." + p + "..");
            rules.add(noClasses().that().resideInAPackage("org.gradlab." + e.getKey() + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                    .because("DESIGN.md: " + e.getKey() + " may use only " + e.getValue()));
        }
        for (String p : NO_UI) {
            rules.add(noClasses().that().resideInAPackage("org.gradlab." + p + "..")
                    .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..")
                    .because("only ui draws"));
        }
        rules.add(noClasses().that().resideOutsideOfPackage("org.gradlab.engine.cuda..")
                .should().dependOnClassesThat().resideInAPackage("jcuda..")
                .because("JCuda is used behind the CUDA backend's probe only"));
        return rules;
    }

    /**
     * The UI reaches a session only through its stream and commands: not its trainer or step runner, nor the
     * engine, models, optimizers or clip strategies; it may use their value types (a clip spec, a clip report,
     * an optimizer config).
     */
    static final ArchRule UI_SEES_ONLY_THE_STREAM = noClasses().that().resideInAPackage("org.gradlab.ui..")
            .should().dependOnClassesThat(trainingInternals())
            .because("a view-model is fed from the session's stream; nothing outside run reaches a running session's internals");

    /** Nothing outside `run` touches the trainer or its step runner. */
    static final ArchRule ONLY_RUN_DRIVES_THE_TRAINER = noClasses().that().resideOutsideOfPackage("org.gradlab.run..")
            .should().dependOnClassesThat().haveFullyQualifiedName(Trainer.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(StepRunner.class.getName())
            .because("sessions are steered through commands, applied by one interpreter");

    private static DescribedPredicate<JavaClass> trainingInternals() {
        Set<String> valueTypes = Set.of("org.gradlab.clip.ClipSpec", "org.gradlab.clip.ClipSpec$Kind", "org.gradlab.clip.ClipReport",
                "org.gradlab.clip.ClipAction", "org.gradlab.clip.NonFinitePolicy", "org.gradlab.optim.OptimizerConfig",
                "org.gradlab.optim.OptimizerConfig$Kind");
        return DescribedPredicate.describe("a session's internals (trainer, step runner, engine, models, optimizers, clip strategies)",
                c -> c.getName().equals(Trainer.class.getName()) || c.getName().equals(StepRunner.class.getName())
                        || c.getPackageName().startsWith("org.gradlab.engine") || c.getPackageName().startsWith("org.gradlab.model")
                        || ((c.getPackageName().equals("org.gradlab.clip") || c.getPackageName().equals("org.gradlab.optim"))
                        && !valueTypes.contains(c.getName())));
    }

    @Test
    void packagesDependDownwardOnly() {
        for (ArchRule r : layerRules()) r.check(MAIN);
    }

    @Test
    void theUiKnowsASessionOnlyByItsStreamAndCommands() {
        UI_SEES_ONLY_THE_STREAM.check(MAIN);
        ONLY_RUN_DRIVES_THE_TRAINER.check(MAIN);
    }

    @Test
    void aReachIntoTheTrainerFromTheUiIsCaught() {
        JavaClasses offender = new ClassFileImporter().importClasses(ReachesIntoTheTrainer.class);
        EvaluationResult ui = UI_SEES_ONLY_THE_STREAM.evaluate(offender);
        assertTrue(ui.hasViolation(), "a method chain through the trainer from ui is a violation");
        String report = String.join("\n", ui.getFailureReport().getDetails());
        assertTrue(report.contains("Trainer.runner()") && report.contains("StepRunner.clip()"), report);
        assertTrue(ONLY_RUN_DRIVES_THE_TRAINER.evaluate(offender).hasViolation());
        assertFalse(UI_SEES_ONLY_THE_STREAM.evaluate(new ClassFileImporter().importClasses(org.gradlab.ui.vm.Smoothing.class)).hasViolation(),
                "a ui class that keeps to the stream passes");
    }
}
