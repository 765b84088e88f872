package io.flowersim.cli;

import io.flowersim.server.History;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** history.png: loss and accuracy per round, centralized and distributed, one above the other. */
final class HistoryPlot {

  private static final String ACCURACY = "accuracy";
  private static final Color CENTRALIZED = new Color(31, 119, 180);
  private static final Color DISTRIBUTED = new Color(255, 127, 14);

  private HistoryPlot() {}

  static void write(History history, String title, Path file) throws IOException {
    NumberAxis roundAxis = new NumberAxis("round");
    roundAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(roundAxis);
    plot.add(subplot("loss",
        series("centralized loss", history.lossesCentralized()),
        series("distributed loss", history.lossesDistributed())), 1);
    List<double[]> centralAccuracy = history.metricCentralized(ACCURACY);
    List<double[]> clientAccuracy = history.metricDistributed(ACCURACY);
    if (!centralAccuracy.isEmpty() || !clientAccuracy.isEmpty()) {
      plot.add(subplot(ACCURACY,
          series("centralized accuracy", centralAccuracy),
          series("distributed accuracy", clientAccuracy)), 1);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 640);
  }

  private static XYPlot subplot(String label, XYSeries... series) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (XYSeries s : series) {
      if (s.getItemCount() > 0) {
        data.addSeries(s);
      }
    }
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
      renderer.setSeriesPaint(i, data.getSeriesKey(i).toString().startsWith("centralized")
          ? CENTRALIZED : DISTRIBUTED);
    }
    XYPlot plot = new XYPlot(data, null, axis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }

  private static XYSeries series(String name, List<double[]> points) {
    XYSeries s = new XYSeries(name);
    points.forEach(p -> s.add(p[0], p[1]));
    return s;
  }
}
