module.exports = require('tinyevent/fibers');
