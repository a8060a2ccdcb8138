package org.gradlab.ui.view;

import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.run.Models;
import org.gradlab.run.RunConfig;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Tasks;
import org.gradlab.run.Devices;
import org.gradlab.ui.vm.Scenario;

import java.util.List;
import java.util.function.BiConsumer;

/** The first screen: pick a teaching scenario (with what to look for), or build a run in a form. */
public class StartView extends HBox {
    private final Label formError = new Label();

    public StartView(BiConsumer<Scenario, String> onScenario) {
        setSpacing(16);
        setPadding(new Insets(12));
        ComboBox<String> device = combo("deviceChoice", Devices.CHOICES, "auto");
        Label deviceStatus = new Label("GPU: checking…");
        deviceStatus.setId("deviceStatus");
        deviceStatus.setWrapText(true);
        deviceStatus.setMaxWidth(420);
        probeInBackground(deviceStatus);
        List<Scenario> all = Scenario.all();
        ListView<Scenario> list = new ListView<>(FXCollections.observableArrayList(all));
        list.setId("scenarioList");
        list.setCellFactory(lv -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(Scenario s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty || s == null ? null : s.title());
            }
        });
        Label about = new Label();
        about.setWrapText(true);
        about.setMaxWidth(420);
        about.setId("scenarioText");
        list.getSelectionModel().selectedItemProperty().addListener((o, a, s) -> about.setText(s == null ? "" : s.whatToLookFor()));
        list.getSelectionModel().select(0);
        Button start = new Button("Start scenario");
        start.setId("startScenario");
        start.setDefaultButton(true);
        start.setOnAction(e -> {
            Scenario s = list.getSelectionModel().getSelectedItem();
            if (s != null) onScenario.accept(s, device.getValue());
        });
        list.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && list.getSelectionModel().getSelectedItem() != null) start.fire();
        });
        HBox deviceRow = new HBox(8, new Label("Train on"), device);
        deviceRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        VBox left = new VBox(8, title("Teaching scenarios"), list, about, deviceRow, deviceStatus, start);
        left.setPrefWidth(460);
        VBox.setVgrow(list, Priority.ALWAYS);

        ComboBox<String> model = combo("formModel", Models.NAMES, "lstm");
        ComboBox<String> task = combo("formTask", Tasks.NAMES, "charlm");
        TextField hidden = field("formHidden", "128"), layers = field("formLayers", "2"), batch = field("formBatch", "32"),
                seq = field("formSeq", "64"), lr = field("formLr", "0.003"), clip = field("formClip", "norm:1"),
                seed = field("formSeed", "1"), steps = field("formSteps", "0");
        ComboBox<String> optimizer = combo("formOptimizer", List.of("adam", "adamw", "sgd"), "adam");
        ComboBox<String> init = combo("formInit", List.of("default", "sigmoid", "basic-tanh", "smart-tanh"), "default");
        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(6);
        Object[][] rows = {{"model", model}, {"task", task}, {"hidden size", hidden}, {"layers / blocks", layers},
            {"batch", batch}, {"sequence length", seq}, {"optimizer", optimizer}, {"learning rate", lr},
            {"initialisation", init}, {"clip", clip}, {"seed", seed}, {"steps (0 = until stopped)", steps}};
        for (int i = 0; i < rows.length; i++) {
            form.add(new Label((String) rows[i][0]), 0, i);
            form.add((javafx.scene.Node) rows[i][1], 1, i);
        }
        formError.setId("formError");
        formError.setStyle("-fx-text-fill: #d00000;");
        formError.setWrapText(true);
        formError.setMaxWidth(380);
        Button custom = new Button("Start custom run");
        custom.setId("startCustom");
        custom.setOnAction(e -> {
            try {
                OptimizerConfig oc = OptimizerConfig.defaults(OptimizerConfig.parseKind(optimizer.getValue()), Double.parseDouble(lr.getText().trim()));
                RunConfig rc = new RunConfig(model.getValue(), task.getValue(), Integer.parseInt(hidden.getText().trim()),
                        Integer.parseInt(layers.getText().trim()), 32, Integer.parseInt(hidden.getText().trim()), 4,
                        Integer.parseInt(batch.getText().trim()), Integer.parseInt(seq.getText().trim()), oc, init.getValue(),
                        Long.parseLong(seed.getText().trim()));
                long n = Long.parseLong(steps.getText().trim());
                SessionConfig sc = new SessionConfig(rc, ClipSpec.parse(clip.getText()), NonFinitePolicy.PROPAGATE,
                        n <= 0 ? Long.MAX_VALUE : n, List.of(), 500, true);
                formError.setText("");
                onScenario.accept(new Scenario("custom " + model.getValue() + " on " + task.getValue(), "", List.of(sc),
                        List.of(model.getValue() + " " + task.getValue())), device.getValue());
            } catch (NumberFormatException ex) {
                formError.setText("numbers expected: " + ex.getMessage());
            } catch (IllegalArgumentException ex) {
                formError.setText(ex.getMessage().lines().findFirst().orElse("invalid setting"));
            }
        });
        VBox right = new VBox(8, title("Build a run"), form, custom, formError);
        getChildren().addAll(left, right);
    }

    /** The probe can take a second where a GPU exists (the driver compiles the PTX): keep it off the FX thread. */
    private static void probeInBackground(Label status) {
        Thread t = new Thread(() -> {
            String line = Devices.gpuLine();
            javafx.application.Platform.runLater(() -> status.setText(line));
        }, "gradlab-gpu-probe");
        t.setDaemon(true);
        t.start();
    }

    private static Label title(String t) {
        Label l = new Label(t);
        l.setStyle("-fx-font-size: 16px; -fx-font-weight: bold;");
        return l;
    }

    private static ComboBox<String> combo(String id, List<String> items, String value) {
        ComboBox<String> c = new ComboBox<>(FXCollections.observableArrayList(items));
        c.setId(id);
        c.setValue(value);
        return c;
    }

    private static TextField field(String id, String value) {
        TextField t = new TextField(value);
        t.setId(id);
        t.setPrefColumnCount(10);
        return t;
    }
}
