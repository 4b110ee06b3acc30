// Apache Jena in memory, timed on SPARQL queries: the peer of benchmarks/run.py's "engines" worker.
//
// Batch:  java -cp CP JenaBench --data graph.ttl [--data more.ttl] [--repeat N] query.rq ...
//         loads the files into one in-memory dataset (their triples in the default graph), runs
//         each query once to warm up and then N times, and prints one JSON object:
//         {"load_ms": …, "triples": …, "queries": {"query.rq": {"rows": …, "ms": [ … ]}}}
// Serve:  java -cp CP JenaBench --data graph.ttl --serve
//         loads, prints {"load_ms": …, "triples": …}, then reads one request a line from standard
//         input, QUERY-FILE followed by tab-separated bindings NAME=TERM (TERM in N-Triples
//         syntax), runs that query once and prints {"ms": …, "cpu_ms": …, "rows": …} (wall
//         clock, and the processor time of the evaluating thread); so that a caller can
//         take turns with another engine, query by query.
// A binding is a substitution, as pyoxigraph's `substitutions`: the variable is replaced by
// the term before evaluation. Rows are solutions (SELECT), each read to the end, or the triples
// of the graph built (CONSTRUCT, DESCRIBE: each triple once, as citynet's graph); ASK counts 1 for true.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSet;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.sparql.core.Var;
import org.apache.jena.sparql.engine.binding.Binding;
import org.apache.jena.sparql.engine.binding.BindingBuilder;
import org.apache.jena.sparql.util.NodeFactoryExtra;

public final class JenaBench {
    // The processor time of the thread that evaluates the query (ARQ evaluates in the caller's
    // thread): on a busy machine it says what the query cost, where the wall clock also counts
    // the time spent waiting for a processor.
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private JenaBench() {}

    public static void main(String[] args) throws Exception {
        List<String> data = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        int repeat = 5;
        boolean serve = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data": data.add(args[++i]); break;
                case "--repeat": repeat = Integer.parseInt(args[++i]); break;
                case "--serve": serve = true; break;
                default: queries.add(args[i]);
            }
        }
        if (data.isEmpty()) {
            System.err.println("usage: JenaBench --data FILE [--data FILE …] [--repeat N] (--serve | QUERY-FILE …)");
            System.exit(2);
        }
        long started = System.nanoTime();
        Dataset dataset = DatasetFactory.create();
        for (String file : data) {
            RDFDataMgr.read(dataset, Path.of(file).toUri().toString());
        }
        double loadMs = (System.nanoTime() - started) / 1e6;
        long triples = dataset.getDefaultModel().size();
        if (serve) {
            System.out.println("{\"load_ms\": " + loadMs + ", \"triples\": " + triples + "}");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t");
                Query query = QueryFactory.create(Files.readString(Path.of(parts[0])));
                Binding binding = bindings(parts, 1);
                long before = System.nanoTime();
                long cpuBefore = THREADS.getCurrentThreadCpuTime();
                long rows = run(dataset, query, binding);
                double cpuMs = (THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1e6;
                double ms = (System.nanoTime() - before) / 1e6;
                System.out.println("{\"ms\": " + ms + ", \"cpu_ms\": " + cpuMs + ", \"rows\": " + rows + "}");
                System.out.flush();
            }
            return;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String file : queries) {
            Query query = QueryFactory.create(Files.readString(Path.of(file)));
            Binding none = BindingBuilder.create().build();
            long rows = run(dataset, query, none);  // warm up
            StringBuilder times = new StringBuilder();
            for (int i = 0; i < repeat; i++) {
                long before = System.nanoTime();
                run(dataset, query, none);
                times.append(i == 0 ? "" : ", ").append((System.nanoTime() - before) / 1e6);
            }
            out.put(file, "{\"rows\": " + rows + ", \"ms\": [" + times + "]}");
        }
        StringBuilder json = new StringBuilder("{\"load_ms\": " + loadMs + ", \"triples\": " + triples
                                               + ", \"queries\": {");
        String separator = "";
        for (Map.Entry<String, String> entry : out.entrySet()) {
            json.append(separator).append(quote(entry.getKey())).append(": ").append(entry.getValue());
            separator = ", ";
        }
        System.out.println(json.append("}}"));
    }

    private static Binding bindings(String[] parts, int from) {
        BindingBuilder builder = BindingBuilder.create();
        for (int i = from; i < parts.length; i++) {
            int equals = parts[i].indexOf('=');
            builder.add(Var.alloc(parts[i].substring(0, equals)), NodeFactoryExtra.parseNode(parts[i].substring(equals + 1)));
        }
        return builder.build();
    }

    private static long run(Dataset dataset, Query query, Binding binding) {
        try (QueryExecution execution = QueryExecution.dataset(dataset).query(query).substitution(binding).build()) {
            long rows = 0;
            if (query.isSelectType()) {
                ResultSet results = execution.execSelect();
                while (results.hasNext()) {
                    results.next();
                    rows++;
                }
            } else if (query.isAskType()) {
                rows = execution.execAsk() ? 1 : 0;
            } else {
                // A graph, as citynet builds one: each triple once.
                rows = (query.isConstructType() ? execution.execConstruct() : execution.execDescribe()).size();
            }
            return rows;
        }
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
