package org.gradlab.ui.view;

import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.gradlab.run.SessionConfig;
import org.gradlab.ui.chart.Palette;
import org.gradlab.ui.vm.LiveSessionModel;
import org.gradlab.ui.vm.ReplayModel;
import org.gradlab.run.Scenario;
import org.gradlab.ui.vm.TbRunModel;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * The app window: menu, and tabs for the start screen, the live run, the comparison and the replay. One
 * AnimationTimer pulls new steps into every live view-model and redraws the visible view once per frame;
 * training and file reading never run on the FX thread.
 */
public class MainWindow extends BorderPane {
    private final TabPane tabs = new TabPane();
    private final Tab startTab = new Tab("Start"), liveTab = new Tab("Live"), compareTab = new Tab("Compare"), replayTab = new Tab("Replay"), tagsTab = new Tab("Tags"),
            cliffTab = new Tab("Cliff");
    private final CompareView compare = new CompareView();
    private final TagBrowser tags;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gradlab-io");
        t.setDaemon(true);
        return t;
    });
    /** Rebuilds a replayed run's state for a fork (can take seconds): never on the io thread that scrubbing uses. */
    private final ExecutorService forker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gradlab-fork");
        t.setDaemon(true);
        return t;
    });
    private final Path runsRoot;
    private LiveView live;
    private ReplayView replay;
    private final List<ReplayModel> openReplays = new ArrayList<>();
    /** Temporary snapshots of TensorBoard runs imported for Replay: deleted at shutdown, after their readers close. */
    private final List<Path> tbSnapshots = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<TbRunModel> tbRuns = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.ScheduledExecutorService tailer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gradlab-tail");
        t.setDaemon(true);
        return t;
    });
    private java.util.concurrent.ScheduledFuture<?> tailTask;
    private final FrameTicker ticker;
    /** A replay fork being rebuilt: its progress 0…1 (written by the worker), or NaN when none. */
    private volatile double forkProgress = Double.NaN;

    public MainWindow(Path runsRoot) {
        this.runsRoot = runsRoot;
        setId("mainWindow");
        for (Tab t : List.of(startTab, liveTab, compareTab, replayTab)) t.setClosable(false);
        startTab.setContent(new StartView(this::startScenario));
        compareTab.setContent(compare);
        tags = new TagBrowser(io);
        tagsTab.setContent(tags);
        tagsTab.setClosable(false);
        // Pascanu's Fig. 6: made when first shown (its map costs a moment)
        cliffTab.setClosable(false);
        cliffTab.selectedProperty().addListener((o, a, on) -> {
            if (on && cliffTab.getContent() == null) cliffTab.setContent(new CliffView());
        });
        tabs.getTabs().addAll(startTab, liveTab, compareTab, replayTab, cliffTab);
        setTop(menu());
        setCenter(tabs);
        addEventFilter(KeyEvent.KEY_PRESSED, this::keys);
        ticker = new FrameTicker(this::frame, this::busy);
        // any user action may change what is drawn: draw frames until things are still again
        addEventFilter(javafx.scene.input.InputEvent.ANY, e -> ticker.wake());
        tabs.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> ticker.wake());
        ticker.wake();
    }

    /** Whether the next frame may draw something new (else the frame clock stops until woken). */
    private boolean busy() {
        if (live != null && !live.model().idle()) return true;
        for (LiveSessionModel m : compare.liveRuns()) if (!m.idle()) return true;
        if (replay != null && replay.playing()) return true;
        return !Double.isNaN(forkProgress);
    }

    /**
     * A live run's alerts pop up (ControlsFX notification) with what happened and at which step — at most one pop-up
     * per run every few seconds, the alerts in between gathered into one ({@link org.gradlab.ui.vm.AlertDigest}).
     */
    private void notifyAlerts(LiveSessionModel m) {
        org.gradlab.ui.vm.AlertDigest digest = new org.gradlab.ui.vm.AlertDigest(m.name());
        boolean[] waiting = {false};
        m.alerts().addListener((javafx.collections.ListChangeListener<org.gradlab.diagnose.AlertMonitor.Alert>) c -> {
            while (c.next()) {
                for (var a : c.getAddedSubList()) {
                    popup(digest.add(a, System.currentTimeMillis()));
                    if (digest.due() >= 0 && !waiting[0]) {
                        waiting[0] = true;
                        javafx.animation.PauseTransition t = new javafx.animation.PauseTransition(
                                javafx.util.Duration.millis(Math.max(0, digest.due() - System.currentTimeMillis())));
                        t.setOnFinished(e -> {
                            waiting[0] = false;
                            popup(digest.flush(System.currentTimeMillis()));
                        });
                        t.play();
                    }
                }
            }
        });
    }

    private void popup(org.gradlab.ui.vm.AlertDigest.Popup p) {
        if (p == null || getScene() == null || getScene().getWindow() == null || !getScene().getWindow().isShowing()) return;
        try {
            org.controlsfx.control.Notifications.create().owner(getScene().getWindow()).title(p.title()).text(p.text())
                    .hideAfter(javafx.util.Duration.millis(org.gradlab.ui.vm.AlertDigest.HOLD_MS)).showWarning();
        } catch (RuntimeException ex) {
            // a pop-up that cannot show (a headless toolkit) must not stop the frame; the alert stays in the list
        }
    }

    /**
     * A run that fails — a disk that filled up, a GPU error — says so in a dialog with the reason; every step
     * recorded before it stays readable (the recorder wrote them before it stopped).
     */
    private void reportFailure(LiveSessionModel m) {
        notifyAlerts(m);
        m.stateProperty().addListener((o, a, b) -> {
            if (b == org.gradlab.run.SessionState.FAILED) {
                error("The run \"" + m.name() + "\" stopped", m.detailProperty().get() + (m.recordDir() == null ? ""
                        : "\nThe steps recorded before this are kept in " + m.recordDir() + "."));
            }
        });
    }

    /** Wakes the frame clock from any thread (a stream item arrived, a file was read). */
    private void wakeLater() {
        Platform.runLater(ticker::wake);
    }

    /** Whether frames are being drawn now (false when everything is idle). */
    public boolean drawing() {
        return ticker.running();
    }

    public TabPane tabs() { return tabs; }
    public LiveView liveView() { return live; }
    public CompareView compareView() { return compare; }
    public TagBrowser tagBrowser() { return tags; }
    /** The Cliff tab's view (null until the tab is first shown). */
    public CliffView cliffView() { return (CliffView) cliffTab.getContent(); }
    public ReplayView replayView() { return replay; }

    private MenuBar menu() {
        MenuItem open = new MenuItem("Open run…");
        open.setId("menuOpenRun");
        open.setOnAction(e -> chooseRun(false));
        MenuItem openCompare = new MenuItem("Open run into comparison…");
        openCompare.setOnAction(e -> chooseRun(true));
        Menu samples = new Menu("Open sample run");
        samples.setId("menuSamples");
        for (Path p : sampleRuns()) {
            MenuItem m = new MenuItem(p.getFileName().toString());
            m.setOnAction(e -> openRun(p, false));
            samples.getItems().add(m);
        }
        MenuItem tb = new MenuItem("Open TensorBoard logdir…");
        tb.setId("menuOpenTb");
        tb.setOnAction(e -> {
            DirectoryChooser dc = new DirectoryChooser();
            dc.setTitle("Open a TensorBoard log directory");
            File f = dc.showDialog(window());
            if (f != null) openTensorBoard(f.toPath());
        });
        CheckMenuItem tail = new CheckMenuItem("Live-tail TensorBoard logs");
        tail.setId("menuTail");
        tail.setOnAction(e -> setTail(tail.isSelected()));
        MenuItem png = new MenuItem("Export dashboard as PNG…");
        png.setOnAction(e -> exportPng());
        MenuItem csv = new MenuItem("Export per-step CSV…");
        csv.setOnAction(e -> exportCsv());
        MenuItem quit = new MenuItem("Quit");
        quit.setOnAction(e -> Platform.exit());
        CheckMenuItem dark = new CheckMenuItem("Dark theme");
        dark.setOnAction(e -> {
            Palette.setDark(dark.isSelected());
            setStyle(dark.isSelected() ? "-fx-base: #2b2d30; -fx-background: #1e1f22;" : "");
        });
        MenuItem keysItem = new MenuItem("Keyboard shortcuts (F1)");
        keysItem.setId("menuKeys");
        keysItem.setOnAction(e -> showHelp());
        return new MenuBar(new Menu("File", null, open, openCompare, samples, tb, tail, png, csv, quit), new Menu("View", null, dark),
                new Menu("Help", null, keysItem));
    }

    /** sample-runs/ next to the working directory or the jar (app/target/../..), or -Dgradlab.samples. */
    static List<Path> sampleRuns() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("gradlab.samples");
        if (prop != null) candidates.add(Path.of(prop));
        candidates.add(Path.of("sample-runs"));
        candidates.add(Path.of("..", "sample-runs"));
        try {
            Path jar = Path.of(MainWindow.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            candidates.add(jar.getParent().getParent().getParent().resolve("sample-runs"));
        } catch (Exception ignored) {
            // running from a place without a code source: only the other candidates
        }
        List<Path> out = new ArrayList<>();
        for (Path c : candidates) {
            if (!Files.isDirectory(c)) continue;
            try (Stream<Path> w = Files.walk(c, 3)) {
                w.filter(p -> Files.isRegularFile(p.resolve("run.json"))).sorted().forEach(out::add);
            } catch (IOException ignored) {
                // unreadable folder: offer what was found
            }
            if (!out.isEmpty()) break;
        }
        return out;
    }

    /** Every tab's keys, as the Help overlay (F1 or ?) lists them. */
    public static final String SHORTCUTS = String.join("\n",
            "Everywhere:   F1 or ?  this list",
            "Live:         Space  play / pause    →  one step    F  fork into the specs in the fork field",
            "Replay:       Space  play / pause    ← →  one step (Shift: 100)    N / P  next / previous event    F  fork at the cursor",
            "Compare:      Space  play / pause the live runs    ← →  move the cursor (Shift: 100)",
            "              Z  zoom to the fork    A  all steps    Delete  remove the run selected in the table",
            "Charts:       the mouse over any chart reads every line at that step, on every chart of the tab",
            "(keys do nothing while a text field has the focus)");

    private void keys(KeyEvent e) {
        if (e.getTarget() instanceof javafx.scene.control.TextInputControl) return;
        if (e.getCode() == KeyCode.F1 || "?".equals(e.getText())) {
            showHelp();
            e.consume();
            return;
        }
        Tab t = tabs.getSelectionModel().getSelectedItem();
        if (t == liveTab && live != null) {
            if (e.getCode() == KeyCode.SPACE) live.model().togglePlay();
            else if (e.getCode() == KeyCode.RIGHT) live.model().stepOnce();
            else if (e.getCode() == KeyCode.F) fork(live.forkSpecs());
            else return;
            e.consume();
        } else if (t == replayTab && replay != null) {
            if (replay.key(e)) e.consume();
        } else if (t == compareTab) {
            if (compare.key(e)) e.consume();
        }
    }

    private void showHelp() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.setTitle("GradLab — keys");
        a.setHeaderText("Keyboard shortcuts");
        javafx.scene.control.Label text = new javafx.scene.control.Label(SHORTCUTS);
        text.setId("helpText");
        text.setStyle("-fx-font-family: monospace;");
        a.getDialogPane().setContent(text);
        a.getDialogPane().setId("helpDialog");
        a.initOwner(window());
        a.show();
    }

    /** Starts a scenario: one run opens the live view, several open as live runs in the comparison. */
    public void startScenario(Scenario s, String device) {
        try {
            if (s.runs().size() == 1) {
                if (live != null) live.model().close();
                LiveSessionModel m = LiveSessionModel.start(s.runNames().get(0), s.configs().get(0), null, recordDir(s.runNames().get(0)),
                        device, trainingThreads(), false, null, s.rules());
                m.setOnArrival(this::wakeLater);
                reportFailure(m);
                live = new LiveView(m, io, this::fork, this::exportPng, this::exportCsv);
                liveTab.setContent(live);
                tabs.getSelectionModel().select(liveTab);
            } else {
                compare.clear();
                tbRuns.clear();
                for (int i = 0; i < s.runs().size(); i++) {
                    SessionConfig c = s.configs().get(i);
                    LiveSessionModel m = LiveSessionModel.start(s.runNames().get(i), c, null, recordDir(s.runNames().get(i)), device, 1,
                            false, null, s.rules());
                    m.setOnArrival(this::wakeLater);
                    reportFailure(m);
                    compare.addLive(m);
                }
                tabs.getSelectionModel().select(compareTab);
            }
            ticker.wake();
        } catch (IOException | RuntimeException ex) {
            error("Cannot start the run", ex.getMessage());
        }
    }

    /** Leaves one core to the FX thread: the engine's workers spin between kernels and would starve it. */
    static int trainingThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    private Path recordDir(String name) {
        if (runsRoot == null) return null;
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        return runsRoot.resolve(stamp + "-" + name.replaceAll("[^A-Za-z0-9._-]+", "_"));
    }

    /**
     * Forks the live run into branches (refusing bad specs with a message) and shows them side by side with
     * the parent. Never blocks the FX thread: the branches are built in the background and shown when ready.
     */
    public void fork(List<String> specs) {
        if (live == null) return;
        LiveSessionModel parent = live.model();
        Path root = parent.recordDir() == null ? null : parent.recordDir().resolveSibling(
                parent.recordDir().getFileName() + "-forks-" + System.currentTimeMillis());
        parent.fork(specs, root).thenAccept(branches -> Platform.runLater(() -> {
            long at = branches.isEmpty() ? -1 : branches.get(0).step(); // branches start paused at the fork step
            showBranches(branches);
            compare.setFork(parent.data(), "parent: " + parent.clipText(), at);
        }));
        ticker.wake();
    }

    /**
     * Forks the replayed run at the replay cursor: the state is rebuilt in the background (progress in the
     * replay view), then the branches open paused in the comparison beside the recorded run.
     */
    public void forkReplay(List<String> specs) {
        if (replay == null) return;
        ReplayModel m = replay.model();
        long at = replay.axis().cursorProperty().get();
        Path root = runsRoot == null ? null : runsRoot.resolve(m.reader().dir().getFileName() + "-forks-" + at + "-" + System.currentTimeMillis());
        forkProgress = 0;
        replay.showForkProgress(() -> forkProgress);
        m.fork(at, specs, root, forker, p -> forkProgress = p).whenComplete((branches, ex) -> Platform.runLater(() -> {
            forkProgress = Double.NaN;
            replay.showForkProgress(null);
            if (ex != null) {
                replay.forkError(ex.getCause() != null ? ex.getCause().getMessage() : ex.getMessage());
                return;
            }
            showBranches(branches);
            compare.setFork(m.data(), "recorded: " + m.reader().manifest().clipText(), at);
        }));
        ticker.wake();
    }

    private void showBranches(List<LiveSessionModel> branches) {
        compare.clear();
        tbRuns.clear();
        for (LiveSessionModel b : branches) {
            b.setOnArrival(this::wakeLater);
            reportFailure(b);
            compare.addLive(b);
        }
        tabs.getSelectionModel().select(compareTab);
        ticker.wake();
    }

    private void chooseRun(boolean intoCompare) {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open a GradLab run directory");
        File f = dc.showDialog(window());
        if (f != null) openRun(f.toPath(), intoCompare);
    }

    /** Opens a recorded run off the FX thread; a corrupt or foreign folder gets a dialog naming the file. */
    public void openRun(Path dir, boolean intoCompare) {
        openRun(dir, intoCompare, view -> { });
    }

    private void openRun(Path dir, boolean intoCompare, java.util.function.Consumer<ReplayView> then) {
        io.submit(() -> {
            try {
                ReplayModel m = ReplayModel.load(dir);
                Platform.runLater(() -> {
                    openReplays.add(m);
                    if (intoCompare) {
                        compare.add(m.data(), m.reader().manifest().clipText());
                        linkFork(m);
                        tabs.getSelectionModel().select(compareTab);
                    } else {
                        replay = new ReplayView(m, io, this::forkReplay);
                        then.accept(replay);
                        replayTab.setContent(replay);
                        tabs.getSelectionModel().select(replayTab);
                    }
                    ticker.wake();
                });
            } catch (Exception ex) {
                Platform.runLater(() -> error("Cannot open run " + dir, ex.getMessage()));
            }
        });
    }

    /**
     * A recorded fork branch in the comparison is aligned with its parent: the parent run (opened too, where it is
     * not yet) is marked as such and the fork step marked on every chart. A parent opened after its branches
     * links them the same way.
     */
    private void linkFork(ReplayModel m) {
        for (ReplayModel b : List.copyOf(openReplays)) {
            var parent = b.reader().manifest().parent();
            if (parent == null || !compare.runs().contains(b.data())) continue;
            Path want = b.reader().dir().resolve(parent.run()).toAbsolutePath().normalize();
            ReplayModel p = openReplays.stream().filter(x -> x.reader().dir().toAbsolutePath().normalize().equals(want)).findFirst().orElse(null);
            if (p != null && compare.runs().contains(p.data())) {
                compare.setFork(p.data(), "parent: " + p.reader().manifest().clipText(), parent.step());
            } else if (p == null && b == m && Files.isDirectory(want) && linking.add(want)) {
                openRun(want, true); // links when it arrives
            }
        }
    }

    /** Parents being opened for their branches (each once). */
    private final java.util.Set<Path> linking = new java.util.HashSet<>();

    /** Opens every run of a TensorBoard log directory into the comparison (reading off the FX thread). */
    public void openTensorBoard(Path dir) {
        io.submit(() -> {
            try {
                List<TbRunModel> models = TbRunModel.open(dir);
                // a second, re-reading poll completes each run's newest step once its writer has gone quiet
                for (int pass = 0; pass < 2; pass++) {
                    if (pass == 1) Thread.sleep(300);
                    for (TbRunModel m : models) m.poll(pass == 1, (records, warnings) -> Platform.runLater(() -> {
                        records.forEach(m::append);
                        ticker.wake();
                    }));
                }
                // the first run also opens in the replay view (heatmaps, histograms, scrubber), as an imported
                // snapshot, with a picker for the others
                List<String> names = models.stream().map(TbRunModel::runName).toList();
                openTbRun(dir, names, names.get(0));
                Platform.runLater(() -> {
                    if (!tabs.getTabs().contains(tagsTab)) tabs.getTabs().add(tagsTab);
                    for (TbRunModel m : models) {
                        tbRuns.add(m);
                        tags.add(m);
                        compare.add(m.data(), "tensorboard");
                        m.warnings().forEach(w -> compare.addNote("⚠ " + w));
                        if (!m.otherTags().isEmpty()) compare.addNote(m.data().name() + " — other tags: " + String.join(", ", m.otherTags()));
                    }
                    tabs.getSelectionModel().select(compareTab);
                });
            } catch (Exception ex) {
                Platform.runLater(() -> error("Cannot open TensorBoard logs " + dir, ex.getMessage()));
            }
        });
    }

    /**
     * One run of a TensorBoard logdir in Replay: imported (read afresh, off the FX thread) into a snapshot run; a
     * logdir with several runs gets a picker that replays another.
     */
    private void openTbRun(Path dir, List<String> names, String run) {
        io.submit(() -> {
            try {
                Path temporary = org.gradlab.record.TemporaryRuns.create("gradlab-tb-");
                tbSnapshots.add(temporary);
                Path snapshot = temporary.resolve("run");
                var logs = org.gradlab.record.tb.TbLogDir.open(dir);
                org.gradlab.record.tb.TbImport.importRun(logs.runs().get(run), dir, snapshot);
                openRun(snapshot, false, view -> {
                    if (names.size() < 2) return;
                    javafx.scene.control.ComboBox<String> picker = new javafx.scene.control.ComboBox<>(javafx.collections.FXCollections.observableArrayList(names));
                    picker.setId("tbRunPicker");
                    picker.setValue(run);
                    picker.valueProperty().addListener((o, a, b) -> {
                        if (b != null && !b.equals(run)) openTbRun(dir, names, b);
                    });
                    view.setPicker(new javafx.scene.layout.HBox(4, new javafx.scene.control.Label("run"), picker));
                });
            } catch (Exception ex) {
                Platform.runLater(() -> error("Cannot replay run " + run + " of " + dir, ex.getMessage()));
            }
        });
    }

    /** Live tail: every half second, read what the writers appended to every open TensorBoard run. */
    public void setTail(boolean on) {
        if (tailTask != null) tailTask.cancel(false);
        tailTask = null;
        if (!on) return;
        tailTask = tailer.scheduleWithFixedDelay(() -> {
            for (TbRunModel m : List.copyOf(tbRuns)) {
                try {
                    m.poll(true, (records, warnings) -> Platform.runLater(() -> {
                        records.forEach(m::append);
                        if (!records.isEmpty()) tags.reload();
                        warnings.forEach(w -> compare.addNote("⚠ " + w));
                        ticker.wake();
                    }));
                } catch (IOException ex) {
                    Platform.runLater(() -> compare.addNote("⚠ " + ex.getMessage()));
                }
            }
        }, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void error(String header, String message) {
        Alert a = new Alert(Alert.AlertType.ERROR);
        a.setTitle("GradLab");
        a.setHeaderText(header);
        a.setContentText(message);
        a.getDialogPane().setId("errorDialog");
        a.initOwner(window());
        a.show();
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    /**
     * The charts of the visible tab — not its toolbar — under a caption naming the run and the steps shown,
     * as a PNG.
     */
    public void exportPng(Path file) throws IOException {
        Tab t = tabs.getSelectionModel().getSelectedItem();
        if (t == liveTab && live != null) {
            Exporter.png(live.dashboard(), caption(live.model().name(), live.model().data(), live.dashboard()), file);
        } else if (t == replayTab && replay != null) {
            Exporter.png(replay.dashboard(), caption(replay.model().reader().dir().toString(), replay.model().data(), replay.dashboard()), file);
        } else if (t == compareTab) {
            List<String> names = compare.runs().stream().map(org.gradlab.ui.vm.RunViewModel::name).toList();
            Exporter.png(compare.charts(), "comparison of " + String.join(", ", names), file);
        } else {
            throw new IOException("nothing to export on this tab: open a run, or start one");
        }
    }

    private static String caption(String run, org.gradlab.ui.vm.RunViewModel data, DashboardPane d) {
        var loss = data.series(org.gradlab.ui.vm.RunViewModel.Scalar.LOSS);
        if (loss.isEmpty()) return run + " · no steps yet";
        long from = d.axis().resolveFrom(loss.firstStep()), to = d.axis().resolveTo(loss.lastStep());
        return run + " · steps " + from + "–" + to + (from > loss.firstStep() || to < loss.lastStep()
                ? " (of " + loss.firstStep() + "–" + loss.lastStep() + ")" : "");
    }

    private void exportPng() {
        FileChooser fc = new FileChooser();
        fc.setInitialFileName("gradlab-dashboard.png");
        File f = fc.showSaveDialog(window());
        if (f == null) return;
        try {
            exportPng(f.toPath());
        } catch (IOException | RuntimeException ex) {
            error("Export failed", ex.getMessage());
        }
    }

    private void exportCsv() {
        Path run = live != null && tabs.getSelectionModel().getSelectedItem() == liveTab ? live.model().recordDir()
                : replay != null ? replay.model().reader().dir() : null;
        if (run == null) {
            error("Nothing to export", "The CSV comes from a recorded run: open one, or start a live run (they are recorded).");
            return;
        }
        FileChooser fc = new FileChooser();
        fc.setInitialFileName("gradlab-steps.csv");
        File f = fc.showSaveDialog(window());
        if (f == null) return;
        Path target = f.toPath();
        if (live != null) live.model().pause();
        io.submit(() -> {
            try {
                Exporter.csv(run, target);
            } catch (IOException ex) {
                Platform.runLater(() -> error("Export failed", ex.getMessage()));
            }
        });
    }

    private void frame(long now) {
        Tab t = tabs.getSelectionModel().getSelectedItem();
        if (live != null) {
            if (t == liveTab) live.frame();
            else live.model().pollFrame();
        }
        if (t == compareTab) compare.frame();
        if (t == tagsTab) tags.frame();
        else for (LiveSessionModel m : compare.liveRuns()) m.pollFrame();
        if (replay != null && t == replayTab) replay.frame(now);
    }

    /** Stops every session, closes every file and deletes the TensorBoard runs imported for Replay. */
    public void shutdown() {
        ticker.stop();
        if (live != null) live.model().close();
        compare.clear();
        openReplays.forEach(ReplayModel::close);
        io.shutdownNow();
        forker.shutdownNow();
        tailer.shutdownNow();
        try {
            io.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS); // an import still writing its snapshot
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tbSnapshots.forEach(org.gradlab.record.TemporaryRuns::delete);
    }

    /** The temporary directories of TensorBoard runs imported for Replay (copies; the logs stay where they are). */
    public List<Path> tbSnapshots() {
        return List.copyOf(tbSnapshots);
    }
}
