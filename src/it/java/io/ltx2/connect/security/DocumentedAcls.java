package io.ltx2.connect.security;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ACL table of {@code docs/security.md} (between its {@code acls:begin} and {@code acls:end}
 * markers), read as the bindings to grant: a test grants what the docs say, so the docs cannot drift
 * from what works. Public for the deploy checks (StrimziResourcesIT holds the KafkaUser to this table).
 */
public final class DocumentedAcls {
    public static final Path DOC = Path.of("docs", "security.md");
    /** Every value the table's {@code needed} column may take; a row with another fails the read. */
    public static final Set<String> CONDITIONS = Set.of("always", "worker creates its topics", "exactly-once source", "DLQ",
            "DLQ created by Connect", "topic.creation", "spend caps", "concurrency cap");
    private static final Pattern PLACEHOLDER = Pattern.compile("<([a-z.]+)>");

    /** One row: who may do what on which resource, when. */
    public record Row(String principal, ResourceType type, String name, PatternType pattern, List<AclOperation> operations, String needed) {
    }

    private DocumentedAcls() {
    }

    public static List<Row> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(DOC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int begin = lines.indexOf("<!-- acls:begin -->");
        int end = lines.indexOf("<!-- acls:end -->");
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(DOC + " has no table between <!-- acls:begin --> and <!-- acls:end -->");
        }
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(begin + 3, end)) { // after the header and its separator
            rows.add(row(line));
        }
        return rows;
    }

    private static Row row(String line) {
        String[] cells = Arrays.stream(line.split("\\|")).map(String::trim).filter(c -> !c.isEmpty()).toArray(String[]::new);
        if (cells.length != 6) {
            throw new IllegalStateException("ACL row of " + DOC + " without 6 cells: " + line);
        }
        List<AclOperation> operations = Arrays.stream(cells[4].split(",")).map(String::trim).map(DocumentedAcls::operation).toList();
        if (!CONDITIONS.contains(cells[5])) {
            throw new IllegalStateException("unknown condition '" + cells[5] + "' in " + DOC + ": " + line);
        }
        return new Row(cells[0], enumOf(ResourceType.values(), cells[1]), cells[2].replace("`", ""),
                enumOf(PatternType.values(), cells[3]), operations, cells[5]);
    }

    private static AclOperation operation(String name) {
        return enumOf(AclOperation.values(), name);
    }

    /** The constant named as in the docs (Read, TransactionalId, IdempotentWrite): case and underscores aside. */
    private static <E extends Enum<E>> E enumOf(E[] values, String name) {
        String wanted = name.replace("_", "").toLowerCase(Locale.ROOT);
        return Arrays.stream(values).filter(v -> v.name().replace("_", "").toLowerCase(Locale.ROOT).equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalStateException("not a Kafka ACL name in " + DOC + ": " + name));
    }

    /**
     * The bindings of the rows that {@code applies}, every {@code <setting>} replaced from
     * {@code names} and every principal column ({@code worker}, {@code sink}, {@code source}) from
     * {@code principals} (e.g. {@code User:connect}); a name or principal not given fails.
     */
    public static List<AclBinding> bindings(List<Row> rows, Predicate<Row> applies, Map<String, String> principals, Map<String, String> names) {
        List<AclBinding> out = new ArrayList<>();
        for (Row row : rows) {
            if (!applies.test(row)) {
                continue;
            }
            String principal = principals.get(row.principal());
            if (principal == null) {
                throw new IllegalArgumentException("no principal for '" + row.principal() + "'");
            }
            ResourcePattern resource = new ResourcePattern(row.type(), substitute(row.name(), names), row.pattern());
            for (AclOperation op : row.operations()) {
                out.add(new AclBinding(resource, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
            }
        }
        return out;
    }

    /** Whether every placeholder of the row's name is among {@code keys}. */
    public static boolean namesOnly(Row row, Set<String> keys) {
        Matcher m = PLACEHOLDER.matcher(row.name());
        while (m.find()) {
            if (!keys.contains(m.group(1))) {
                return false;
            }
        }
        return true;
    }

    private static String substitute(String name, Map<String, String> names) {
        Matcher m = PLACEHOLDER.matcher(name);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = names.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for <" + m.group(1) + "> in " + name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
