package io.openclaw.audit.web;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One newest-first page of a table keyed by {@code seq}: {@code {"items": […], "next_cursor": …}}. The caller
 * gives the filtered query; this adds the keyset condition, the order and the limit, reads one row more
 * than the page to know whether another page follows, and encodes the cursor.
 */
public final class KeysetPage {

    /** Maps the current row to its API view. */
    @FunctionalInterface
    public interface RowView {
        Map<String, Object> view(ResultSet row) throws SQLException;
    }

    private KeysetPage() {}

    public static Map<String, Object> query(
            DataSource dataSource, StringBuilder sql, List<Object> params, Long after, int size, RowView view)
            throws SQLException {
        List<Object> bound = new ArrayList<>(params);
        if (after != null) {
            sql.append(" AND seq < ?");
            bound.add(after);
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        bound.add(size + 1);
        List<Map<String, Object>> items = new ArrayList<>();
        Long last = null;
        boolean more = false;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < bound.size(); i++) {
                ps.setObject(i + 1, bound.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (items.size() == size) {
                        more = true;
                        break;
                    }
                    items.add(view.view(rs));
                    last = rs.getLong("seq");
                }
            }
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", items);
        page.put("next_cursor", more && last != null ? Cursor.encode(last) : null);
        return page;
    }
}
