package org.gradlab.engine;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The engine's vector code uses the machine's preferred shape only. A second float shape (a 256-bit species
 * next to the 512-bit one) made the Vector API's shared methods see two vector classes; C2 then boxed every
 * vector of the GEMM and the activations instead of keeping them in registers, and a recorded small RNN ran
 * 1.6× slower (2.4 MB allocated a step). Fixed shapes and shape arithmetic are what let a second shape in.
 */
class OneVectorShapeTest {
    static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.gradlab");

    static final ArchRule PREFERRED_SHAPE_ONLY = noClasses().that().resideInAPackage("org.gradlab..")
            .should().dependOnClassesThat().haveFullyQualifiedName("jdk.incubator.vector.VectorShape")
            .orShould().callMethod("jdk.incubator.vector.VectorSpecies", "of", "java.lang.Class", "jdk.incubator.vector.VectorShape")
            .orShould().accessField("jdk.incubator.vector.FloatVector", "SPECIES_64")
            .orShould().accessField("jdk.incubator.vector.FloatVector", "SPECIES_128")
            .orShould().accessField("jdk.incubator.vector.FloatVector", "SPECIES_256")
            .orShould().accessField("jdk.incubator.vector.FloatVector", "SPECIES_512")
            .orShould().accessField("jdk.incubator.vector.DoubleVector", "SPECIES_128")
            .orShould().accessField("jdk.incubator.vector.DoubleVector", "SPECIES_256")
            .orShould().accessField("jdk.incubator.vector.DoubleVector", "SPECIES_512")
            .because("one vector shape keeps C2's vector intrinsics working in every kernel");

    @Test
    void theEngineUsesThePreferredVectorShapeOnly() {
        PREFERRED_SHAPE_ONLY.check(MAIN);
    }

    /** The rule catches what SegmentJob used to do. */
    @Test
    void aSecondShapeIsCaught() {
        JavaClasses offender = new ClassFileImporter().importClasses(SecondShape.class);
        org.junit.jupiter.api.Assertions.assertTrue(PREFERRED_SHAPE_ONLY.evaluate(offender).hasViolation());
    }

    static final class SecondShape {
        static final jdk.incubator.vector.VectorSpecies<Float> HALF = jdk.incubator.vector.VectorSpecies.of(float.class,
                jdk.incubator.vector.VectorShape.forBitSize(256));
    }
}
