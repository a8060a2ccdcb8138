package org.gradlab.ui;

import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.gradlab.run.RunSettings;
import org.gradlab.ui.view.StartView;
import org.gradlab.ui.vm.LiveSessionModel;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Start form and the live toolbar as a careful new user meets them. */
class FormAndToolbarTest extends MainWindowFixture {
    @Start
    void start(Stage stage) {
        show(stage, null);
    }

    @Test
    void everyTrainOptionHasAFormFieldWithTheDefaultTrainWouldUse(FxRobot robot) {
        var train = org.gradlab.cli.Main.commandLine().getSubcommands().get("train").getCommandSpec();
        Map<String, String> cli = RunSettings.valuesOf(RunSettings.sessionConfig(
                Map.of("model", StartView.FORM_MODEL, "task", StartView.FORM_TASK), java.util.List.of(), 0, true));
        Set<String> checked = new HashSet<>();
        for (var option : train.options()) {
            String name = option.longestName().substring(2);
            if (!cli.containsKey(name)) continue; // not a run setting (--out, --spike, --device, …)
            Control field = robot.lookup("#" + StartView.fieldId(name)).queryAs(Control.class);
            String shown = field instanceof TextField t ? t.getText() : String.valueOf(((ComboBox<?>) field).getValue());
            String expected = name.equals("steps") ? "0" : cli.get(name);
            assertEquals(Double.parseDouble(num(expected)), Double.parseDouble(num(shown)), 0, "--" + name + ": form shows " + shown + ", train uses " + expected);
            checked.add(name);
        }
        assertEquals(cli.keySet(), checked, "every setting is a train option with a form field");
    }

    @Test
    void everyScenarioShowsItsTextAndEveryClaimWhole(FxRobot robot) {
        @SuppressWarnings("unchecked")
        javafx.scene.control.ListView<org.gradlab.run.Scenario> list = robot.lookup("#scenarioList").queryAs(javafx.scene.control.ListView.class);
        Label about = robot.lookup("#scenarioText").queryAs(Label.class);
        for (int i = 0; i < list.getItems().size(); i++) {
            int k = i;
            robot.interact(() -> list.getSelectionModel().select(k));
            WaitForAsyncUtils.waitForFxEvents();
            org.gradlab.run.Scenario s = list.getItems().get(i);
            for (org.gradlab.run.Claim c : s.claims()) assertTrue(about.getText().contains(c.text()), s.title() + ": " + c.text());
            javafx.scene.text.Text drawn = (javafx.scene.text.Text) about.lookup(".text");
            assertEquals(about.getText(), drawn.getText(), s.title() + ": drawn whole, not cut off with an ellipsis");
        }
    }

    /** Numbers compare as numbers ("1e-3" and "0.001"); words as words. */
    private static String num(String s) {
        try {
            Double.parseDouble(s);
            return s;
        } catch (NumberFormatException e) {
            return Integer.toString(s.hashCode());
        }
    }

    @Test
    void aBadFormValueIsNamedByItsField(FxRobot robot) {
        type(robot, "#" + StartView.fieldId("hidden"), "abc");
        robot.clickOn("#startCustom");
        assertEquals("hidden size (--hidden): 'abc' is not a whole number", robot.lookup("#formError").queryAs(Label.class).getText());
        type(robot, "#" + StartView.fieldId("hidden"), "64");
        type(robot, "#" + StartView.fieldId("clip"), "0");
        robot.clickOn("#startCustom");
        assertTrue(robot.lookup("#formError").queryAs(Label.class).getText().contains("methods: none, norm:C"),
                "the grammar is in the message: " + robot.lookup("#formError").queryAs(Label.class).getText());
    }

    @Test
    void refusalsNeverMoveTheChartsAndClearOnTheNextGoodCommand(FxRobot robot) throws Exception {
        robot.clickOn("GRU character language model");
        robot.clickOn("#startScenario");
        await("running", () -> window.liveView() != null && window.liveView().model().data().steps() > 1);
        LiveSessionModel m = window.liveView().model();
        double chartsAt = window.liveView().dashboard().localToScene(0, 0).getY();
        type(robot, "#clipField", "norm:-1");
        robot.clickOn("#applyClip");
        type(robot, "#lrField", "this is not a learning rate at all, it is a sentence");
        robot.type(javafx.scene.input.KeyCode.ENTER); // Enter submits the lr field too
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#clipError").queryAs(Label.class).getText().startsWith("invalid clip spec 'norm:-1': threshold C"),
                robot.lookup("#clipError").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#lrError").queryAs(Label.class).getText().startsWith("learning rate: 'this is not"));
        assertEquals(chartsAt, window.liveView().dashboard().localToScene(0, 0).getY(), 0.5, "the charts did not move");
        type(robot, "#clipField", "norm:2");
        robot.type(javafx.scene.input.KeyCode.ENTER);
        await("the new clip is in force", () -> m.clipText().equals("norm:2"));
        await("the old message is gone", () -> robot.lookup("#clipError").queryAs(Label.class).getText().isEmpty());
    }
}
