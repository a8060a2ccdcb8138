package org.gradlab.ui.view;

import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.control.Control;
import org.gradlab.run.Devices;
import org.gradlab.run.RunSettings;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Scenario;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** The first screen: pick a teaching scenario (with what to look for), or build a run in a form. */
public class StartView extends HBox {
    /** The model and task the form starts with; every other field starts at its default for them. */
    public static final String FORM_MODEL = "lstm", FORM_TASK = "charlm";
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
        list.getSelectionModel().selectedItemProperty().addListener((o, a, s) -> about.setText(s == null ? "" : s.whatToLookFor()
                + (s.claims().isEmpty() ? "" : "\n\nWhat its runs show (checked on every build):\n• "
                + String.join("\n• ", s.claims().stream().map(org.gradlab.run.Claim::text).toList()))));
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
        // the text and every claim scroll rather than being cut off with an ellipsis: a lesson's claims are read whole
        about.setMinHeight(Region.USE_PREF_SIZE);
        ScrollPane aboutPane = new ScrollPane(about);
        aboutPane.setFitToWidth(true);
        aboutPane.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        list.setPrefHeight(24 * all.size() + 8);
        list.setMinHeight(Region.USE_PREF_SIZE);
        VBox left = new VBox(8, title("Teaching scenarios"), list, aboutPane, deviceRow, deviceStatus, start);
        left.setPrefWidth(460);
        VBox.setVgrow(aboutPane, Priority.ALWAYS);

        // one field per run setting, from the table the CLI's options and run.json validation read too
        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(6);
        Map<String, Control> fields = new LinkedHashMap<>();
        int row = 0;
        for (RunSettings.Setting st : RunSettings.ALL) {
            String value = st.defaultFor(FORM_MODEL, FORM_TASK);
            if (st.name().equals("steps")) value = "0"; // the form's runs go on until stopped
            Control c = st.type() == RunSettings.Type.CHOICE ? combo(fieldId(st.name()), st.choices(), value) : field(fieldId(st.name()), value);
            c.setTooltip(new javafx.scene.control.Tooltip(st.help()));
            fields.put(st.name(), c);
            form.add(new Label(st.name().equals("steps") ? "steps (0 = until stopped)" : st.label()), 0, row);
            form.add(c, 1, row++);
        }
        // a model or task change resets the settings whose default depends on them
        for (String key : List.of("model", "task")) {
            @SuppressWarnings("unchecked")
            ComboBox<String> box = (ComboBox<String>) fields.get(key);
            box.valueProperty().addListener((o, a, b) -> {
                String m = text(fields.get("model")), t = text(fields.get("task"));
                for (String dependent : List.of("hidden", "layers", "seq")) {
                    ((TextField) fields.get(dependent)).setText(RunSettings.get(dependent).defaultFor(m, t));
                }
            });
        }
        formError.setId("formError");
        formError.setStyle("-fx-text-fill: #d00000;");
        formError.setWrapText(true);
        formError.setMaxWidth(380);
        Button custom = new Button("Start custom run");
        custom.setId("startCustom");
        custom.setOnAction(e -> {
            try {
                Map<String, String> values = new LinkedHashMap<>();
                fields.forEach((k, c) -> values.put(k, text(c)));
                long n = Long.parseLong(RunSettings.get("steps").check(values.get("steps")));
                values.put("steps", Long.toString(n <= 0 ? Long.MAX_VALUE : n));
                SessionConfig sc = RunSettings.sessionConfig(values, List.of(), 500, true);
                formError.setText("");
                String m = sc.run().model(), t = sc.run().task();
                onScenario.accept(Scenario.custom("custom " + m + " on " + t, sc, m + " " + t), device.getValue());
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

    /** The form field of a run setting: "form-" + its name (e.g. #form-hidden). */
    public static String fieldId(String setting) {
        return "form-" + setting;
    }

    private static String text(Control c) {
        return c instanceof TextField t ? t.getText() : String.valueOf(((ComboBox<?>) c).getValue());
    }

    private static TextField field(String id, String value) {
        TextField t = new TextField(value);
        t.setId(id);
        t.setPrefColumnCount(10);
        return t;
    }
}
