"""The demo's catalog data, one module per theme: item families written with tongban.demo.spec."""
