module.exports = require('tinyevent/fibers/future');
